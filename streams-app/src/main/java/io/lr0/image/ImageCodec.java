package io.lr0.image;

import io.lr0.image.BadImageException.Reason;
import io.lr0.schema.Image;
import io.lr0.schema.ImageEncoding;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Turns the Avro {@link Image} into 8-bit pixels and back. Gray images stay one channel (as Pillow's "L" mode);
 * everything else becomes RGB with alpha dropped (as Pillow's {@code convert("RGB")}). Every failure is a
 * {@link BadImageException} naming the reason.
 */
public final class ImageCodec {
    private ImageCodec() {}

    /** The PNG or JPEG record this thread decoded last, with its pixels. */
    private record Decoded(Image image, ByteBuffer data, Raster raster) {}

    private static final ThreadLocal<Decoded> LAST_DECODED = new ThreadLocal<>();

    /**
     * Decodes {@code image}, applying {@code limits} to the payload and to the header's size before decoding. The
     * same PNG or JPEG record object decoded again on the same thread is not decoded again: a stage chained to the
     * degradation gets the native variant, which carries the image record's own bytes, in the same task right after
     * the degradation decoded them.
     */
    public static Raster decode(Image image, ImageLimits limits) {
        ByteBuffer data = image.getData();
        limits.checkBytes(data.remaining());
        ImageEncoding encoding = image.getEncoding();
        return switch (encoding) {
            case GRAY8, RGB8 -> raw(encoding, image.getWidth(), image.getHeight(), data, limits);
            case PNG, JPEG -> {
                Decoded last = LAST_DECODED.get();
                if (last != null && last.image() == image && last.data() == data) {
                    limits.checkSize(last.raster().width(), last.raster().height());
                    yield last.raster();
                }
                Raster raster = decodeFile(encoding.name(), bytes(data), limits);
                LAST_DECODED.set(new Decoded(image, data, raster));
                yield raster;
            }
            default ->
                throw new BadImageException(
                        Reason.UNKNOWN_ENCODING, "encoding " + encoding + " is not one of PNG, JPEG, GRAY8, RGB8");
        };
    }

    /** Decodes a PNG or JPEG file's bytes, whatever the format (for files given on the command line). */
    public static Raster decodeFile(byte[] file, ImageLimits limits) {
        limits.checkBytes(file.length);
        return decodeFile(null, file, limits);
    }

    /** The raster as a raw GRAY8/RGB8 Avro image (what degraded variants carry: no codec cost, exact pixels). */
    public static Image toRawImage(Raster raster) {
        return Image.newBuilder()
                .setEncoding(raster.channels() == 1 ? ImageEncoding.GRAY8 : ImageEncoding.RGB8)
                .setWidth(raster.width())
                .setHeight(raster.height())
                .setData(ByteBuffer.wrap(raster.pixels()))
                .build();
    }

    /** Lossless PNG bytes of the raster. */
    public static byte[] encodePng(Raster raster) {
        return PngWriter.encode(raster);
    }

    /** Encodes as "png" (lr0's own writer) or with another ImageIO format name ("jpeg"). */
    public static byte[] encode(Raster raster, String format) {
        if ("png".equals(format)) {
            return encodePng(raster);
        }
        BufferedImage image = new BufferedImage(
                raster.width(),
                raster.height(),
                raster.channels() == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        image.getRaster().setDataElements(0, 0, raster.width(), raster.height(), raster.pixels());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalArgumentException("no ImageIO writer for format '" + format + "'");
            }
        } catch (IOException e) {
            throw new IllegalStateException("encoding " + format + " failed", e);
        }
        return out.toByteArray();
    }

    private static Raster raw(
            ImageEncoding encoding, Integer width, Integer height, ByteBuffer data, ImageLimits limits) {
        if (width == null || height == null) {
            throw new BadImageException(
                    Reason.BAD_DIMENSIONS, encoding + " image needs width and height, got " + width + "x" + height);
        }
        limits.checkSize(width, height);
        int channels = encoding == ImageEncoding.GRAY8 ? 1 : 3;
        long expected = (long) width * height * channels;
        if (data.remaining() != expected) {
            throw new BadImageException(
                    Reason.BAD_DIMENSIONS,
                    encoding + " buffer holds " + data.remaining() + " bytes but " + width + "x" + height + "x"
                            + channels + " = " + expected + " are needed");
        }
        return new Raster(width, height, channels, bytes(data));
    }

    /** The buffer's bytes; its backing array itself when it is exactly that (Avro decodes into such buffers). */
    private static byte[] bytes(ByteBuffer data) {
        if (data.hasArray()
                && data.arrayOffset() == 0
                && data.position() == 0
                && data.remaining() == data.array().length) {
            return data.array();
        }
        ByteBuffer view = data.duplicate();
        byte[] copy = new byte[view.remaining()];
        view.get(copy);
        return copy;
    }

    private static Raster decodeFile(String declaredFormat, byte[] file, ImageLimits limits) {
        checkPngHeader(file, limits);
        JpegFrame jpeg = jpegFrame(file, limits);
        boolean asJpeg = declaredFormat == null || declaredFormat.equals(ImageEncoding.JPEG.name());
        if (asJpeg && jpeg != null && (jpeg.components() == 1 || jpeg.components() == 3) && TurboJpeg.available()) {
            return TurboJpeg.decode(file, jpeg.components(), limits);
        }
        return decodeWithImageIo(declaredFormat, file, limits, jpeg);
    }

    /** The decoder of every format here, and of JPEGs where libjpeg-turbo is not installed ({@link TurboJpeg}). */
    static Raster decodeWithImageIo(String declaredFormat, byte[] file, ImageLimits limits) {
        return decodeWithImageIo(declaredFormat, file, limits, jpegFrame(file, limits));
    }

    private static Raster decodeWithImageIo(String declaredFormat, byte[] file, ImageLimits limits, JpegFrame jpeg) {
        String what = declaredFormat == null ? "image file" : declaredFormat;
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(file))) {
            Iterator<ImageReader> readers = declaredFormat == null
                    ? ImageIO.getImageReaders(in)
                    : ImageIO.getImageReadersByFormatName(declaredFormat);
            if (!readers.hasNext()) {
                throw new BadImageException(
                        declaredFormat == null ? Reason.UNKNOWN_ENCODING : Reason.CORRUPT_IMAGE,
                        "no decoder recognises the " + what + " (" + file.length + " bytes)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                // The header alone gives the size: refuse bombs before the pixel buffer is allocated.
                limits.checkSize(reader.getWidth(0), reader.getHeight(0));
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                Raster decoded;
                if (jpeg != null && jpeg.components() == 4) {
                    // CMYK or YCCK: the samples as stored, converted as Pillow converts them.
                    java.awt.image.Raster samples = reader.readRaster(0, null);
                    int width = samples.getWidth();
                    int height = samples.getHeight();
                    decoded = new Raster(
                            width,
                            height,
                            3,
                            CmykJpeg.toRgb(
                                    samples.getPixels(0, 0, width, height, (int[]) null),
                                    width * height,
                                    jpeg.adobeTransform()));
                } else {
                    decoded = toRaster(reader.read(0));
                }
                // ImageIO only warns on a truncated JPEG and fills the rest with gray: that is corrupt input here.
                if (!warnings.isEmpty()) {
                    throw new BadImageException(Reason.CORRUPT_IMAGE, what + " is damaged: " + warnings.get(0));
                }
                return decoded;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof BadImageException bad) {
                throw bad;
            }
            throw new BadImageException(
                    Reason.CORRUPT_IMAGE, what + " of " + file.length + " bytes does not decode: " + e.getMessage(), e);
        }
    }

    /**
     * PNG states its size in the IHDR chunk right after the signature: check it here, where a zero or negative
     * size is reported as such (ImageIO only says the file is bad).
     */
    private static void checkPngHeader(byte[] file, ImageLimits limits) {
        boolean png = file.length >= 24
                && (file[0] & 0xFF) == 0x89
                && file[1] == 'P'
                && file[2] == 'N'
                && file[3] == 'G'
                && file[12] == 'I'
                && file[13] == 'H'
                && file[14] == 'D'
                && file[15] == 'R';
        if (png) {
            ByteBuffer header = ByteBuffer.wrap(file, 16, 8);
            limits.checkSize(header.getInt(), header.getInt());
        }
    }

    /** What a JPEG's header says that ImageIO does not: how many components, and Adobe's colour transform (-1: none). */
    private record JpegFrame(int components, int adobeTransform) {}

    /**
     * JPEG states its size in the first start-of-frame segment: walk the segments up to it and check the size there,
     * so a bomb is refused (and a zero size named) even when ImageIO cannot read the rest of the header. Then on to
     * the scan, for an Adobe segment. Null when {@code file} is no JPEG or its header ends before a frame.
     */
    private static JpegFrame jpegFrame(byte[] file, ImageLimits limits) {
        if (file.length < 4 || (file[0] & 0xFF) != 0xFF || (file[1] & 0xFF) != 0xD8) {
            return null;
        }
        int components = -1;
        int adobeTransform = -1;
        int at = 2;
        while (at + 4 <= file.length && (file[at] & 0xFF) == 0xFF) {
            int marker = file[at + 1] & 0xFF;
            int length = ((file[at + 2] & 0xFF) << 8) | (file[at + 3] & 0xFF);
            // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC): precision, height, width, components follow.
            boolean frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (frame && components < 0 && at + 10 <= file.length) {
                int height = ((file[at + 5] & 0xFF) << 8) | (file[at + 6] & 0xFF);
                int width = ((file[at + 7] & 0xFF) << 8) | (file[at + 8] & 0xFF);
                limits.checkSize(width, height);
                components = file[at + 9] & 0xFF;
            }
            // APP14 "Adobe": version, flags0, flags1, then the transform (0 CMYK or RGB, 1 YCbCr, 2 YCCK).
            if (marker == 0xEE && length >= 12 && at + 16 <= file.length && isAdobe(file, at + 4)) {
                adobeTransform = file[at + 15] & 0xFF;
            }
            if (marker == 0xDA || length < 2) {
                break;
            }
            at += 2 + length;
        }
        return components < 0 ? null : new JpegFrame(components, adobeTransform);
    }

    private static boolean isAdobe(byte[] file, int at) {
        return file[at] == 'A'
                && file[at + 1] == 'd'
                && file[at + 2] == 'o'
                && file[at + 3] == 'b'
                && file[at + 4] == 'e';
    }

    private static Raster toRaster(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            return new Raster(width, height, 1, (byte[]) image.getRaster().getDataElements(0, 0, width, height, null));
        }
        if (image.getType() == BufferedImage.TYPE_3BYTE_BGR) {
            // Data elements come in band order (R, G, B) whatever the storage order.
            return new Raster(width, height, 3, (byte[]) image.getRaster().getDataElements(0, 0, width, height, null));
        }
        ColorModel model = image.getColorModel();
        if (!(model instanceof IndexColorModel) && model.getNumColorComponents() == 1) {
            return grayOf(image.getRaster(), model.getComponentSize(0));
        }
        byte[] rgb = new byte[width * height * 3];
        int[] argb = image.getRGB(0, 0, width, height, null, 0, width);
        for (int i = 0; i < argb.length; i++) {
            rgb[i * 3] = (byte) (argb[i] >> 16);
            rgb[i * 3 + 1] = (byte) (argb[i] >> 8);
            rgb[i * 3 + 2] = (byte) argb[i];
        }
        return new Raster(width, height, 3, rgb);
    }

    /** Gray with more than 8 bits, or gray + alpha: the gray band's high 8 bits, without colour-space conversion. */
    private static Raster grayOf(WritableRaster raster, int bits) {
        int width = raster.getWidth();
        int height = raster.getHeight();
        byte[] gray = new byte[width * height];
        int shift = Math.max(0, bits - 8);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                gray[y * width + x] = (byte) (raster.getSample(x, y, 0) >> shift);
            }
        }
        return new Raster(width, height, 1, gray);
    }
}
