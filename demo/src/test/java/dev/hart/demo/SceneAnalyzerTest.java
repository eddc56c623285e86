package dev.hart.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SceneAnalyzerTest {

    /** Ground-truth renders (jittered samples of both splits) must score right on every attribute nearly always. */
    @Test
    void scoresGroundTruthRendersAsRight() {
        for (int side : new int[] {32, 64}) {
            SceneAnalyzer analyzer = new SceneAnalyzer(side);
            int n = 0;
            int bg = 0;
            int color = 0;
            int shape = 0;
            int pos = 0;
            for (DemoDataset ds : new DemoDataset[] {DemoDataset.training(side, 11), DemoDataset.heldOut(side, 12)}) {
                for (int i = 0; i < 400; i++) {
                    DemoDataset.Sample s = ds.sample(i);
                    SceneScore score = analyzer.score(s.image(), s.scene());
                    n++;
                    bg += score.backgroundRight() ? 1 : 0;
                    color += score.colorRight() ? 1 : 0;
                    shape += score.shapeRight() ? 1 : 0;
                    pos += score.positionRight() ? 1 : 0;
                }
            }
            assertEquals(n, bg, side + " px background");
            assertEquals(n, color, side + " px colour");
            assertEquals(n, pos, side + " px position");
            assertTrue(shape >= 0.97 * n, side + " px shape accuracy " + shape + "/" + n);
        }
    }

    @Test
    void detectsWrongAttributes() {
        SceneAnalyzer analyzer = new SceneAnalyzer(32);
        RgbImage img = SceneRenderer.render(
                new DemoScene(ShapeKind.CIRCLE, NamedColor.RED, NamedColor.BLUE, ShapeSize.SMALL, Placement.TOP_RIGHT), 32);
        SceneScore wrong = analyzer.score(img, DemoScene.parse("a small green square in the bottom left on a white background"));
        assertFalse(wrong.backgroundRight());
        assertFalse(wrong.colorRight());
        assertFalse(wrong.shapeRight());
        assertFalse(wrong.positionRight());
        assertFalse(wrong.allRight());
        assertTrue(analyzer.score(img, DemoScene.parse("a small red circle in the top right on a blue background")).allRight());
    }

    /** Clean renders (anti-aliased edges included) have no foreign patch; a 2x2 dot of a third colour is one. */
    @Test
    void findsAForeignColouredPatchButNotAntiAliasedEdges() {
        SceneAnalyzer analyzer = new SceneAnalyzer(32);
        int flagged = 0;
        DemoDataset ds = DemoDataset.heldOut(32, 5);
        for (int i = 0; i < 300; i++) {
            DemoDataset.Sample s = ds.sample(i);
            flagged += analyzer.hasForeignPatch(s.image(), s.scene()) ? 1 : 0;
        }
        assertEquals(0, flagged, "renders flagged as carrying a foreign patch");
        // every scene's clean render: where a blue star's arms meet on red, the blend is purple, which is no artefact
        for (DemoScene sc : DemoDataset.allScenes()) {
            assertFalse(analyzer.hasForeignPatch(SceneRenderer.render(sc, 32, 0f, 0f, 1f), sc), sc.caption());
        }

        DemoScene scene = DemoScene.parse("a yellow square on a green background");
        RgbImage clean = SceneRenderer.render(scene, 32);
        float[] v = clean.toArray();
        for (int y = 15; y <= 16; y++) {
            for (int x = 15; x <= 16; x++) {
                for (int c = 0; c < 3; c++) {
                    v[(c * 32 + y) * 32 + x] = NamedColor.RED.channel(c);
                }
            }
        }
        assertFalse(analyzer.hasForeignPatch(clean, scene));
        assertTrue(analyzer.hasForeignPatch(new RgbImage(32, v), scene));

        // a purple dot on a blue shape on red is still foreign: purple is not a mix of blue and red's palette values
        DemoScene blueOnRed = DemoScene.parse("a blue square on a red background");
        float[] w = SceneRenderer.render(blueOnRed, 32).toArray();
        for (int y = 2; y <= 3; y++) {
            for (int x = 2; x <= 3; x++) {
                for (int c = 0; c < 3; c++) {
                    w[(c * 32 + y) * 32 + x] = NamedColor.PURPLE.channel(c);
                }
            }
        }
        assertTrue(analyzer.hasForeignPatch(new RgbImage(32, w), blueOnRed));
    }

    @Test
    void blankImageHasNoShape() {
        float[] v = new float[3 * 32 * 32];
        java.util.Arrays.fill(v, 1f);
        ImageAnalysis a = new SceneAnalyzer(32).analyze(new RgbImage(32, v));
        assertEquals(NamedColor.WHITE, a.background());
        assertNull(a.shape());
        assertNull(a.color());
        assertEquals(0, a.foregroundPixels());
        assertThrows(IllegalArgumentException.class, () -> new SceneAnalyzer(32).analyze(new RgbImage(16, new float[3 * 256])));
    }

    @Test
    void writesAContactSheet(@TempDir Path dir) throws Exception {
        ContactSheet sheet = new ContactSheet(3, 64);
        DemoDataset ds = DemoDataset.training(32, 1);
        for (int i = 0; i < 5; i++) {
            sheet.add(ds.sample(i).image(), ds.sample(i).caption());
        }
        Path png = dir.resolve("sub/sheet.png");
        sheet.write(png);
        BufferedImage read = ImageIO.read(png.toFile());
        assertTrue(Files.size(png) > 0);
        assertEquals(3 * (150 + 6) + 6, read.getWidth());
        assertEquals(2 * (64 + 4 * 13 + 6 + 6) + 6, read.getHeight());
        // the first image is drawn scaled at its cell: its centre pixel is the sample's shape or background colour
        RgbImage first = ds.sample(0).image();
        int rgb = read.getRGB(6 + (150 - 64) / 2 + 32, 6 + 32);
        NamedColor c = NamedColor.nearest(((rgb >> 16) & 255) / 255f, ((rgb >> 8) & 255) / 255f, (rgb & 255) / 255f);
        assertEquals(NamedColor.nearest(first.get(0, 16, 16), first.get(1, 16, 16), first.get(2, 16, 16)), c);
    }
}
