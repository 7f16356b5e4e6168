/**
 * The one small HTTP server every lr0 endpoint is built on (dashboard, query API, push endpoint, embedded
 * registry): bounded bodies and time, basic auth and TLS.
 */
package io.lr0.http;
