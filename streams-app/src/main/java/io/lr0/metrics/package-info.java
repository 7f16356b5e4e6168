/**
 * Stage 4: LR0.FM's and CounterAnimal's measures, agreement with native, accuracy estimated without labels, and
 * alerts, cumulative and per window.
 */
package io.lr0.metrics;
