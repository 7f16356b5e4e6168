/**
 * Stage 1: images to their low-resolution variants (LR0.FM's protocol, bit-exact with Pillow), with record limits
 * and dead letters.
 */
package io.lr0.degrade;
