package io.lr0.testing;

import io.lr0.image.ImageCodec;
import io.lr0.image.Raster;
import io.lr0.producers.Datasets;
import io.lr0.producers.LabeledImage;
import io.lr0.schema.DegradationMethod;
import io.lr0.schema.Image;
import io.lr0.schema.ImageEncoding;
import io.lr0.schema.ImageRecord;
import io.lr0.schema.ImageVariant;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Images and image records for tests: real photos from the fixtures, Fashion-MNIST images and their variants, synthetic
 * pixels, and broken files.
 */
public final class TestImages {
    private TestImages() {}

    /** A Pillow-made test photo or reference output from {@code /pillow}. */
    public static byte[] fixture(String name) {
        return resource("/pillow/" + name);
    }

    /** The bytes of a test resource, e.g. {@code /poison/corpus.tsv}. */
    public static byte[] resource(String path) {
        try (InputStream in = TestImages.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException("missing test resource " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A deterministic gray gradient with some texture. */
    public static Raster gray(int width, int height) {
        byte[] pixels = new byte[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                pixels[y * width + x] = (byte) ((x * 7 + y * 13 + (x * y) % 17) & 0xFF);
            }
        }
        return new Raster(width, height, 1, pixels);
    }

    /** The first {@code count} images of Fashion-MNIST's test split (Debian's, else the bundled sample). */
    public static List<LabeledImage> fashionMnist(int count) throws IOException {
        List<LabeledImage> images = new ArrayList<>();
        Iterator<LabeledImage> source = Datasets.defaultFashionMnist("test").images();
        while (images.size() < count && source.hasNext()) {
            images.add(source.next());
        }
        return images;
    }

    /** A Fashion-MNIST image as its native (28 px) variant from source "test", the only variant of its image. */
    public static ImageVariant nativeVariant(LabeledImage image, String label, Instant captured) {
        return ImageVariant.newBuilder()
                .setImageId(image.id())
                .setSource("test")
                .setDataset("fashion-mnist")
                .setCaptureTimestamp(captured)
                .setLabel(label)
                .setGroup(null)
                .setResolution(null)
                .setMethod(DegradationMethod.NATIVE)
                .setNativeWidth(28)
                .setNativeHeight(28)
                .setImage(image.image())
                .setVariantsOfImage(1)
                .build();
    }

    /** A {@code width} x {@code height} RGB image of one colour. */
    public static Raster flat(int width, int height, int red, int green, int blue) {
        byte[] pixels = new byte[width * height * 3];
        for (int p = 0; p < width * height; p++) {
            pixels[p * 3] = (byte) red;
            pixels[p * 3 + 1] = (byte) green;
            pixels[p * 3 + 2] = (byte) blue;
        }
        return new Raster(width, height, 3, pixels);
    }

    public static Image raw(Raster raster) {
        return ImageCodec.toRawImage(raster);
    }

    public static Image encoded(ImageEncoding encoding, byte[] bytes) {
        return Image.newBuilder()
                .setEncoding(encoding)
                .setData(ByteBuffer.wrap(bytes))
                .build();
    }

    public static Image rawWithSize(ImageEncoding encoding, Integer width, Integer height, int bytes) {
        return Image.newBuilder()
                .setEncoding(encoding)
                .setWidth(width)
                .setHeight(height)
                .setData(ByteBuffer.wrap(new byte[bytes]))
                .build();
    }

    public static ImageRecord record(String id, String dataset, Image image, String label) {
        return ImageRecord.newBuilder()
                .setId(id)
                .setSource("test")
                .setDataset(dataset)
                .setCaptureTimestamp(Instant.ofEpochMilli(1_700_000_000_000L))
                .setImage(image)
                .setLabel(label)
                .setGroup(null)
                .setAttributes(Map.of())
                .build();
    }

    /** Peak signal-to-noise ratio of two same-size 8-bit rasters, in dB (infinite when identical). */
    public static double psnr(Raster a, Raster b) {
        double squared = 0;
        for (int i = 0; i < a.pixels().length; i++) {
            double d = (a.pixels()[i] & 0xFF) - (b.pixels()[i] & 0xFF);
            squared += d * d;
        }
        double mse = squared / a.pixels().length;
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
    }

    /** The raster as RGB: a gray one with its channel replicated (as LIIF and the model's pre-processing see it). */
    public static Raster rgb(Raster image) {
        return rgbWindow(image, 0, image.width(), image.height());
    }

    /** The {@code width} x {@code height} window at ({@code offset}, {@code offset}), as RGB. */
    public static Raster rgbWindow(Raster image, int offset, int width, int height) {
        byte[] rgb = new byte[width * height * 3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < 3; c++) {
                    int at = ((y + offset) * image.width() + x + offset) * image.channels()
                            + (image.channels() == 1 ? 0 : c);
                    rgb[(y * width + x) * 3 + c] = image.pixels()[at];
                }
            }
        }
        return new Raster(width, height, 3, rgb);
    }

    public static byte[] truncated(byte[] file, int keep) {
        return Arrays.copyOf(file, keep);
    }

    /**
     * A decompression bomb: a valid PNG header declaring {@code width} x {@code height} pixels followed by a tiny
     * IDAT; the file is a few dozen bytes.
     */
    public static byte[] pngDeclaring(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataOutputStream data = new DataOutputStream(out)) {
            data.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
            ByteBuffer ihdr = ByteBuffer.allocate(13)
                    .putInt(width)
                    .putInt(height)
                    .put((byte) 8)
                    .put((byte) 0)
                    .put((byte) 0)
                    .put((byte) 0)
                    .put((byte) 0);
            chunk(data, "IHDR", ihdr.array());
            chunk(data, "IDAT", new byte[] {0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
            chunk(data, "IEND", new byte[0]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void chunk(DataOutputStream out, String type, byte[] body) throws IOException {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(body);
        out.writeInt(body.length);
        out.write(typeBytes);
        out.write(body);
        out.writeInt((int) crc.getValue());
    }
}
