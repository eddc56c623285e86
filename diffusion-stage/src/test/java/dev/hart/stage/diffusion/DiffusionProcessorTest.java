package dev.hart.stage.diffusion;

import dev.hart.stage.common.ArOutputCodec;
import dev.hart.stage.common.ArOutputFixtures;
import dev.hart.stage.common.ResidualModel;
import dev.hart.model.inference.ArResult;
import dev.hart.model.inference.TensorData;
import dev.hart.runtime.pipeline.CheckpointMismatchException;
import dev.hart.runtime.stage.ProcessResult;
import dev.hart.runtime.stage.StageInput;
import dev.hart.schemas.avro.ArOutput;
import dev.hart.schemas.avro.Latent;
import dev.hart.schemas.avro.TensorDType;
import dev.hart.schemas.tensor.Tensors;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DiffusionProcessorTest {

    /** Adds the final tokens with a zero residual; records what it was asked. */
    static final class ZeroResidual implements ResidualModel {
        @Override
        public String checkpointId() {
            return "c";
        }

        @Override
        public int defaultSteps() {
            return 8;
        }

        @Override
        public int latentChannels() {
            return ArOutputFixtures.C;
        }

        @Override
        public int latentSide() {
            return ArOutputFixtures.P;
        }

        @Override
        public List<TensorData> finalLatents(List<ArResult> ars, List<Integer> steps) {
            return ars.stream().map(ArResult::fHat).toList();
        }
    }

    static StageInput<ArOutput> input(ArOutput v) {
        return new StageInput<>("hart.ar-output", 0, 0, 0, "r".getBytes(), v, new RecordHeaders());
    }

    @Test
    void emitsLatentWithTimingAndRefusesOtherCheckpoints() {
        ArOutputCodec codec = new ArOutputCodec(TensorDType.F32);
        ArOutput ok = codec.encode(ArOutputFixtures.request(), "c", ArOutputFixtures.result(), 8);
        ArOutput other = codec.encode(ArOutputFixtures.request(), "not-c", ArOutputFixtures.result(), 8);
        List<ProcessResult<Latent>> results = new DiffusionProcessor(new ZeroResidual()).process(List.of(input(ok), input(other)));
        assertThat(results.get(0).isSuccess()).isTrue();
        Latent latent = results.get(0).outputs().get(0).value();
        assertThat(results.get(0).outputs().get(0).topic()).isEqualTo("hart.latents");
        assertThat(latent.getCheckpointId()).isEqualTo("c");
        assertThat(Tensors.toFloats(latent.getFHat())).containsExactly(ArOutputFixtures.result().fHat().data());
        assertThat(latent.getRequest().getStageTimingsMs()).containsKey("diffusion");
        assertThat(results.get(1).isSuccess()).isFalse();
        assertThat(results.get(1).failure()).isInstanceOf(CheckpointMismatchException.class)
                .hasMessageContaining("'not-c'").hasMessageContaining("'c'");
    }

    /** Shapes are checked against the checkpoint before any tensor is read: no allocation for a hostile shape. */
    @Test
    void refusesDeclaredShapesTheCheckpointCannotHaveBeforeReadingThem() {
        ArOutputCodec codec = new ArOutputCodec(TensorDType.F32);
        int big = ArOutputFixtures.P * 40;
        ArOutput huge = codec.encode(ArOutputFixtures.request(), "c", ArOutputFixtures.result(), 8);
        huge.setFHat(dev.hart.schemas.avro.Tensor.newBuilder().setDtype(TensorDType.F32)
                .setShape(List.of((long) ArOutputFixtures.C, (long) big, (long) big))
                .setData(java.nio.ByteBuffer.allocate(4)).build()); // declares far more than it carries
        ArOutput wrongSide = codec.encode(ArOutputFixtures.request(), "c", ArOutputFixtures.result(), 8);
        wrongSide.setFHat(Tensors.ofFloats(new float[ArOutputFixtures.C * 4], ArOutputFixtures.C, 2, 2));
        List<ProcessResult<Latent>> results = new DiffusionProcessor(new ZeroResidual())
                .process(List.of(input(huge), input(wrongSide)));
        assertThat(results).allSatisfy(r -> assertThat(r.isSuccess()).isFalse());
        assertThat(results.get(0).failure()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fHat has shape [" + ArOutputFixtures.C + ", " + big + ", " + big + "]");
        assertThat(results.get(1).failure()).hasMessageContaining("this checkpoint expects");
    }
}
