package io.lr0.degrade;

import io.lr0.image.BadImageException;
import io.lr0.schema.ImageRecord;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What an image record's text may hold. Its id, source, dataset id, label and group are copied into every variant
 * and prediction (the id three times into a prediction: key, image id, variant key), so unbounded they could make an
 * output record larger than the producer and broker accept, and jam the partition; the attributes are held with the
 * record. An image over these limits is dead-lettered ({@code FIELD_LIMIT}) before anything is written.
 *
 * @param maxTextChars the most characters of each text field
 * @param maxAttributesBytes the most bytes of the attributes' keys and values together (UTF-8)
 */
public record RecordLimits(int maxTextChars, int maxAttributesBytes) {
    /** Throws {@link BadImageException} naming the first field over its limit. */
    public void check(ImageRecord image) {
        checkText("id", image.getId());
        checkText("source", image.getSource());
        checkText("dataset", image.getDataset());
        checkText("label", image.getLabel());
        checkText("group", image.getGroup());
        long attributes = 0;
        for (Map.Entry<String, String> attribute : image.getAttributes().entrySet()) {
            attributes += attribute.getKey().getBytes(StandardCharsets.UTF_8).length
                    + attribute.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        if (attributes > maxAttributesBytes) {
            throw new BadImageException(
                    BadImageException.Reason.FIELD_LIMIT,
                    image.getAttributes().size() + " attributes of " + attributes
                            + " bytes exceed record.max.attributes.bytes=" + maxAttributesBytes);
        }
    }

    private void checkText(String field, String value) {
        if (value != null && value.length() > maxTextChars) {
            throw new BadImageException(
                    BadImageException.Reason.FIELD_LIMIT,
                    "the " + field + " has " + value.length() + " characters, over record.max.text.chars="
                            + maxTextChars + " (it starts '" + value.substring(0, 40) + "')");
        }
    }
}
