package dev.hart.ingest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BlocklistPromptFilterTest {
    private final BlocklistPromptFilter filter = new BlocklistPromptFilter(List.of("ass", "red  apple", "c++"));

    @Test
    void matchesWholeWordsCaseInsensitively() {
        assertThat(filter.check("an ASS in a field")).contains("prompt contains blocked term 'ass'");
        assertThat(filter.check("ass")).isPresent();
        assertThat(filter.check("ass, and more")).isPresent();
        assertThat(filter.check("a class of grass")).isEmpty();
        assertThat(filter.check("assorted things")).isEmpty();
        assertThat(filter.check("a Red\tApple on a table")).contains("prompt contains blocked term 'red apple'");
        assertThat(filter.check("a red apples basket")).isEmpty();
        assertThat(filter.check("I like C++ code")).contains("prompt contains blocked term 'c++'");
    }

    @Test
    void readsAFileSkippingCommentsAndBlankLines(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("block.txt");
        Files.writeString(file, "# comment\n\n  Dragon  \nfire breath\n");
        BlocklistPromptFilter fromConfig = new BlocklistPromptFilter();
        fromConfig.configure(Map.of(BlocklistPromptFilter.FILE_PROPERTY, file.toString()));
        assertThat(fromConfig.terms()).containsExactly("Dragon", "fire breath");
        assertThat(fromConfig.check("a dragon!")).isPresent();
        assertThat(fromConfig.check("# comment")).isEmpty();
        assertThat(new BlocklistPromptFilter().check("anything")).isEmpty();
        assertThatThrownBy(() -> BlocklistPromptFilter.fromFile(dir.resolve("missing.txt")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Blocklist file not found");
    }
}
