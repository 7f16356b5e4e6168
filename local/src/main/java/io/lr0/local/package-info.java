/**
 * Local infrastructure for a laptop and the tests: an embedded KRaft broker and a schema registry speaking
 * Confluent's REST API; never part of the deployable.
 */
package io.lr0.local;
