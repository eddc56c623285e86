package dev.hart.ingest;

import dev.hart.schemas.avro.PromptEvent;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PromptFileReaderTest {

    private static List<PromptFileReader.Line> read(PromptFileFormat format, String text) {
        List<PromptFileReader.Line> lines = new ArrayList<>();
        new PromptFileReader(new StringReader(text), format, "job-1").forEachRemaining(lines::add);
        return lines;
    }

    private static List<PromptEvent> events(List<PromptFileReader.Line> lines) {
        return lines.stream().filter(l -> l.event() != null).map(PromptFileReader.Line::event).toList();
    }

    @Test
    void textIsOnePromptPerLineBlankLinesCounted() {
        List<PromptFileReader.Line> lines = read(PromptFileFormat.TXT, "\uFEFFa red circle\n\n  \na blue square\r\n");
        assertThat(events(lines)).extracting(PromptEvent::getPrompt).containsExactly("a red circle", "a blue square");
        assertThat(events(lines)).extracting(PromptEvent::getJobId).containsOnly("job-1");
        assertThat(lines).filteredOn(PromptFileReader.Line::isBlank).extracting(PromptFileReader.Line::number)
                .containsExactly(2, 3);
    }

    @Test
    void jsonlReadsEveryFieldAndReportsBadLinesWithNumbers() {
        String text = String.join("\n",
                "{\"prompt\":\"a cat\",\"seed\":5,\"numImages\":2,\"cfg\":3.5,\"topK\":10,\"topP\":0.9,\"moreSmooth\":false,"
                        + "\"useSystemPrompt\":false,\"numDiffusionSteps\":4,\"checkpointId\":\"c\",\"requestId\":\"r1\","
                        + "\"jobId\":\"other\",\"metadata\":{\"a\":\"b\",\"n\":3},\"createdAtMs\":123}",
                "{\"prompt\":\"ok\",\"seed\":null}",
                "not json",
                "{\"seed\":1}",
                "{\"prompt\":\"x\",\"sede\":1}",
                "{\"prompt\":\"x\",\"seed\":\"abc\"}",
                "{\"prompt\":\"x\",\"numImages\":2.5}",
                "[1,2]",
                "{\"prompt\":\"x\",\"moreSmooth\":\"yes\"}",
                "{\"prompt\":5}");
        List<PromptFileReader.Line> lines = read(PromptFileFormat.JSONL, text);
        List<PromptEvent> events = events(lines);
        assertThat(events).hasSize(2);
        PromptEvent e = events.get(0);
        assertThat(e.getPrompt()).isEqualTo("a cat");
        assertThat(e.getSeed()).isEqualTo(5L);
        assertThat(e.getNumImages()).isEqualTo(2);
        assertThat(e.getCfg()).isEqualTo(3.5f);
        assertThat(e.getTopK()).isEqualTo(10);
        assertThat(e.getTopP()).isEqualTo(0.9f);
        assertThat(e.getMoreSmooth()).isFalse();
        assertThat(e.getUseSystemPrompt()).isFalse();
        assertThat(e.getNumDiffusionSteps()).isEqualTo(4);
        assertThat(e.getCheckpointId()).isEqualTo("c");
        assertThat(e.getRequestId()).isEqualTo("r1");
        assertThat(e.getJobId()).isEqualTo("other");
        assertThat(e.getMetadata()).containsEntry("a", "b").containsEntry("n", "3");
        assertThat(e.getCreatedAtMs()).isEqualTo(123L);
        assertThat(events.get(1).getJobId()).isEqualTo("job-1");
        assertThat(events.get(1).getSeed()).isNull();

        List<String> errors = lines.stream().filter(l -> l.error() != null).map(l -> l.number() + ": " + l.error()).toList();
        assertThat(errors).hasSize(8);
        assertThat(errors.get(0)).startsWith("3: not valid JSON");
        assertThat(errors.get(1)).isEqualTo("4: missing field 'prompt'");
        assertThat(errors.get(2)).startsWith("5: unknown field 'sede'");
        assertThat(errors.get(3)).isEqualTo("6: field 'seed': expected an integer, got 'abc'");
        assertThat(errors.get(4)).isEqualTo("7: field 'numImages': expected an integer, got 2.5");
        assertThat(errors.get(5)).startsWith("8: expected a JSON object");
        assertThat(errors.get(6)).startsWith("9: field 'moreSmooth': expected true or false");
        assertThat(errors.get(7)).startsWith("10: field 'prompt': expected a string");
    }

    @Test
    void csvUsesTheHeaderQuotingAndEmptyCellsAsAbsent() {
        String text = String.join("\n",
                "prompt,seed,numImages,cfg,metadata.source",
                "\"a cat, sitting\",5,2,,web",
                "\"say \"\"hi\"\"\",,,,",
                "a dog,x,1,1,",
                "too,few",
                "\"unterminated,1,1,1,",
                "plain,7,1,2.5,cli");
        List<PromptFileReader.Line> lines = read(PromptFileFormat.CSV, text);
        List<PromptEvent> events = events(lines);
        assertThat(events).extracting(PromptEvent::getPrompt).containsExactly("a cat, sitting", "say \"hi\"", "plain");
        assertThat(events.get(0).getSeed()).isEqualTo(5L);
        assertThat(events.get(0).getNumImages()).isEqualTo(2);
        assertThat(events.get(0).getCfg()).isNull();
        assertThat(events.get(0).getMetadata()).containsEntry("source", "web");
        assertThat(events.get(1).getSeed()).isNull();
        assertThat(events.get(1).getNumImages()).isEqualTo(1);
        assertThat(events.get(2).getCfg()).isEqualTo(2.5f);
        List<String> errors = lines.stream().filter(l -> l.error() != null).map(l -> l.number() + ": " + l.error()).toList();
        assertThat(errors).containsExactly(
                "4: field 'seed': expected an integer, got 'x'",
                "5: expected 5 columns [prompt, seed, numImages, cfg, metadata.source], got 2",
                "6: unterminated quote in column 1 (quoted fields may not span lines)");
    }

    @Test
    void csvHeaderProblemsFailTheWholeFile() {
        assertThatThrownBy(() -> read(PromptFileFormat.CSV, "prompt,sed\na,1\n"))
                .isInstanceOf(PromptFileException.class).hasMessageContaining("line 1 (header): unknown field 'sed'");
        assertThatThrownBy(() -> read(PromptFileFormat.CSV, "seed\n1\n"))
                .isInstanceOf(PromptFileException.class).hasMessageContaining("no 'prompt' column");
        assertThatThrownBy(() -> read(PromptFileFormat.CSV, ""))
                .isInstanceOf(PromptFileException.class).hasMessageContaining("CSV input is empty");
    }

    @Test
    void formatFromExtensionOrName() {
        assertThat(PromptFileFormat.fromFileName("p.JSONL")).isEqualTo(PromptFileFormat.JSONL);
        assertThat(PromptFileFormat.fromFileName("p.ndjson")).isEqualTo(PromptFileFormat.JSONL);
        assertThat(PromptFileFormat.fromFileName("p.csv")).isEqualTo(PromptFileFormat.CSV);
        assertThat(PromptFileFormat.fromFileName("prompts")).isEqualTo(PromptFileFormat.TXT);
        assertThat(PromptFileFormat.parse("Csv")).isEqualTo(PromptFileFormat.CSV);
        assertThatThrownBy(() -> PromptFileFormat.parse("xml")).hasMessageContaining("use txt, jsonl or csv");
    }
}
