/**
 * The wiring: typed configuration ({@code Lr0Config}), the topology assembled from the stages, and the application's
 * lifecycle.
 */
package io.lr0.app;
