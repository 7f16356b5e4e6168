/**
 * Benchmarks of lr0 ({@code ./lr0 bench ...}): the raw model, LIIF, the whole pipeline on an embedded broker; never part
 * of the deployable.
 */
package io.lr0.bench;
