/**
 * The sources of images: dataset readers (LR0.FM's benchmarks, CounterAnimal-style groups), cameras through
 * ffmpeg, watched folders and the HTTP push endpoint, all writing {@code ImageRecord}s through one publisher.
 */
package io.lr0.producers;
