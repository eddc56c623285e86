package dev.hart.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DemoSceneTest {

    @Test
    void captionsFollowTheGrammar() {
        assertEquals("a red circle on a blue background", DemoScene.of(ShapeKind.CIRCLE, NamedColor.RED, NamedColor.BLUE).caption());
        assertEquals("a small green square in the top left on a white background",
                new DemoScene(ShapeKind.SQUARE, NamedColor.GREEN, NamedColor.WHITE, ShapeSize.SMALL, Placement.TOP_LEFT).caption());
        assertEquals("an orange star on an orange background".replace("on an orange", "on a black"),
                DemoScene.of(ShapeKind.STAR, NamedColor.ORANGE, NamedColor.BLACK).caption());
        assertEquals("a large purple triangle on an orange background",
                new DemoScene(ShapeKind.TRIANGLE, NamedColor.PURPLE, NamedColor.ORANGE, ShapeSize.LARGE, Placement.CENTER).caption());
    }

    @Test
    void everyCaptionParsesBackToItsSceneAndIsUnique() {
        Set<String> seen = new HashSet<>();
        for (DemoScene s : DemoDataset.allScenes()) {
            assertEquals(s, DemoScene.parse(s.caption()), s.caption());
            assertTrue(seen.add(s.caption()), "duplicate caption " + s.caption());
        }
        assertEquals(4 * 8 * 7 * 11, seen.size());
    }

    @Test
    void parseIgnoresCaseAndSurroundingSpace() {
        assertEquals(new DemoScene(ShapeKind.STAR, NamedColor.YELLOW, NamedColor.BLACK, ShapeSize.SMALL, Placement.BOTTOM_RIGHT),
                DemoScene.parse("  A Small Yellow Star in the bottom right on a BLACK background "));
    }

    @Test
    void rejectsBadCaptionsAndScenesWithClearMessages() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DemoScene.parse("a cat")).getMessage().contains("not a demo caption"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DemoScene.parse("a pink circle on a blue background"))
                .getMessage().contains("unknown colour 'pink'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DemoScene.parse("a red hexagon on a blue background"))
                .getMessage().contains("unknown shape 'hexagon'"));
        assertThrows(IllegalArgumentException.class, () -> DemoScene.parse("a red circle on a red background"));
        assertThrows(IllegalArgumentException.class, () -> DemoScene.parse(null));
        assertThrows(IllegalArgumentException.class,
                () -> new DemoScene(ShapeKind.CIRCLE, NamedColor.RED, NamedColor.BLUE, ShapeSize.LARGE, Placement.TOP_LEFT));
    }
}
