/**
 * Dead letters as every stage writes them: the exception handlers Kafka Streams calls, the records and headers,
 * and the processor wrapper that makes a stack overflow a record's failure.
 */
package io.lr0.runtime.deadletter;
