/**
 * The pixel kernel: decoding (libjpeg-turbo where present), Pillow's bicubic resize bit for bit, PNG writing,
 * image limits. No Kafka here.
 */
package io.lr0.image;
