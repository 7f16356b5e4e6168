/**
 * Stage 2 (optional): super-resolution of low-resolution variants before inference: bicubic, LIIF.
 */
package io.lr0.superres;
