/**
 * JMH micro-benchmarks of the degradation kernel, pre-processing and the serdes ({@code ./lr0 bench micro}).
 */
package io.lr0.bench.jmh;
