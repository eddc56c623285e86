package dev.hart.demo;

/** How well an image matches a caption's scene, attribute by attribute. */
public record SceneScore(DemoScene expected, ImageAnalysis found, boolean backgroundRight, boolean colorRight,
                         boolean shapeRight, boolean positionRight) {

    /** All four attributes right. */
    public boolean allRight() {
        return backgroundRight && colorRight && shapeRight && positionRight;
    }
}
