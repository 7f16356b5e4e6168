/**
 * Setting up DJL and its PyTorch engine once per process (offline, threads, native library).
 */
package io.lr0.djl;
