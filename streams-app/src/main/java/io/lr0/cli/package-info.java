/**
 * The {@code lr0} command line of the deployable: run, produce, degrade, upscale, report, consume, dead letters, rules
 * for Prometheus.
 */
package io.lr0.cli;
