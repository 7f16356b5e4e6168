/**
 * Stage 3: zero-shot classification of variants with CLIP-family models through DJL: label spaces, prompts, micro-
 * batches, predictions.
 */
package io.lr0.inference;
