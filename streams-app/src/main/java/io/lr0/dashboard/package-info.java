/**
 * The instance's HTTP face: interactive queries over its stores gathered from every instance, the dashboard page,
 * and {@code /metrics} with the robustness gauges.
 */
package io.lr0.dashboard;
