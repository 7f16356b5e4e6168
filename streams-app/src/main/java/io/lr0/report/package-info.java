/**
 * Tables of the metric topics as they stand ({@code lr0 report}).
 */
package io.lr0.report;
