/**
 * Confluent's wire format and schema-registry REST protocol, spoken by lr0 itself: Avro serializer and
 * deserializer, registry client, subject naming.
 */
package io.lr0.registry;
