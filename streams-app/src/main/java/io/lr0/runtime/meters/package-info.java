/**
 * Each instance's operational meters in Prometheus format: Kafka Streams', the JVM's and lr0's own.
 */
package io.lr0.runtime.meters;
