/**
 * Replaying dead letters to the topics they came from, transactionally and exclusively.
 */
package io.lr0.dlq;
