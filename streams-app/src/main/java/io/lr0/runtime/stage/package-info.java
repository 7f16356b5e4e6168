/**
 * The shape every stage shares: the {@code Stage} interface, the serdes of a stage, micro-batching and parking of
 * variants.
 */
package io.lr0.runtime.stage;
