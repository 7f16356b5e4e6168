/**
 * The shape every stage shares: the {@code Stage} interface, the serdes of a stage, micro-batching and parking of
 * variants, and where state stores keep their data.
 */
package io.lr0.runtime.stage;
