/**
 * The {@code ./lr0} launcher: every command of the deployable plus the local stack ({@code demo}, {@code broker}) and the
 * benchmarks.
 */
package io.lr0.launcher;
