package dev.berth.policy.data;

import java.util.List;

/**
 * Files a job brings, placed read-only under {@code path} inside its scratch: inline {@code files}
 * and the content of one uploaded tar ({@code upload}, the ID {@code POST /api/v1/inputs} answered).
 */
public record JobInputs(String path, List<InputFile> files, String upload) {
}
