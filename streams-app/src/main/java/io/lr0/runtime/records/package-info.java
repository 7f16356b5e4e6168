/**
 * Records for people and tools: JSON of Avro records, reading topics for commands, text safe for logs.
 */
package io.lr0.runtime.records;
