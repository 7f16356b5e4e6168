/**
 * The contract between stages and with users: topic names and their settings, record keys, store names, dead-
 * letter headers, sources and super-resolution methods. One place per key format and per name.
 */
package io.lr0.contract;
