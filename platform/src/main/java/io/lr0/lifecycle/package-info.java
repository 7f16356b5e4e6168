/**
 * Process lifecycle shared by every command: orderly shutdown on signals.
 */
package io.lr0.lifecycle;
