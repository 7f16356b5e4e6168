/**
 * The one small HTTP server every lr0 endpoint is built on (dashboard, query API, push endpoint, embedded
 * registry): bounded bodies and time, basic auth and TLS (also the TLS of the schema-registry client).
 */
package io.lr0.http;
