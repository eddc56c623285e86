package dev.hart.model.parity;

import java.util.List;

/**
 * The outcome of one case. {@code maxAbsError} is the largest |got - want| over all float outputs;
 * {@code worstOutput} names where it occurred. {@code failures} lists every output that missed.
 */
public record CaseResult(String name, String kind, boolean passed, double maxAbsError, String worstOutput,
                         int outputsChecked, List<String> failures, long millis) {

    public String line() {
        String head = (passed ? "PASS " : "FAIL ") + name;
        String err = String.format(" outputs=%d max_abs_err=%.3g%s time=%dms", outputsChecked, maxAbsError,
                worstOutput == null ? "" : " (" + worstOutput + ")", millis);
        if (passed) {
            return head + err;
        }
        String why = failures.size() <= 3 ? String.join("; ", failures)
                : String.join("; ", failures.subList(0, 3)) + "; ... " + (failures.size() - 3) + " more";
        return head + err + " :: " + why;
    }
}
