package dev.berth.api.docker;

import dev.berth.api.images.ImageView;
import dev.berth.api.jobs.JobView;
import dev.berth.api.lifecycle.JobReason;
import dev.berth.api.lifecycle.JobState;
import dev.berth.policy.JobRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Docker's JSON shapes for Berth's containers, jobs and images. Each container also names its Berth job. */
final class DockerViews {

    private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

    private DockerViews() {
    }

    /** Docker's state word: created until the job runs, running, then exited. */
    static String state(DockerService.Shown shown) {
        return shown.job().map(job -> switch (job.state()) {
            case QUEUED -> "created";
            case STARTING, RUNNING -> "running";
            default -> "exited";
        }).orElse("created");
    }

    static Map<String, Object> summary(DockerService.Shown shown) {
        JobRequest request = shown.request();
        DockerContainer container = shown.container();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("Id", container.dockerId());
        view.put("Names", List.of("/" + container.name));
        view.put("Image", request.image());
        view.put("ImageID", shown.job().map(job -> job.image().digest()).orElse(""));
        view.put("Command", request.command() == null ? "" : String.join(" ", request.command()));
        view.put("Created", container.createdAt.getEpochSecond());
        view.put("Ports", List.of());
        view.put("Labels", request.labels() == null ? Map.of() : request.labels());
        view.put("State", state(shown));
        view.put("Status", status(shown));
        view.put("HostConfig", Map.of("NetworkMode", network(request)));
        view.put("NetworkSettings", Map.of("Networks", Map.of()));
        view.put("Mounts", List.of());
        return view;
    }

    /** Like Docker's "Exited (3) 5 seconds ago"; a queued job says so. */
    private static String status(DockerService.Shown shown) {
        if (shown.job().isEmpty()) {
            return "Created";
        }
        JobView job = shown.job().get();
        Instant now = Instant.now();
        return switch (job.state()) {
            case QUEUED -> "Created (queued)";
            case STARTING -> "Up less than a second (starting)";
            case RUNNING -> "Up " + ago(job.startedAt(), now).replace(" ago", "");
            default -> "Exited (" + DockerService.exitStatus(job).orElse(-1) + ") " + ago(job.finishedAt(), now);
        };
    }

    private static String ago(Instant then, Instant now) {
        if (then == null) {
            return "";
        }
        long seconds = Math.max(0, Duration.between(then, now).toSeconds());
        if (seconds < 1) {
            return "Less than a second ago";
        }
        if (seconds < 60) {
            return seconds + " seconds ago";
        }
        if (seconds < 3600) {
            return seconds / 60 + " minutes ago";
        }
        return seconds / 3600 + " hours ago";
    }

    static Map<String, Object> inspect(DockerService.Shown shown) {
        JobRequest request = shown.request();
        DockerContainer container = shown.container();
        Optional<JobView> job = shown.job();
        Map<String, Object> state = new LinkedHashMap<>();
        String word = state(shown);
        state.put("Status", word);
        state.put("Running", word.equals("running"));
        state.put("Paused", false);
        state.put("Restarting", false);
        state.put("OOMKilled", job.map(view -> view.reason() == JobReason.OOMKilled).orElse(false));
        state.put("Dead", false);
        state.put("Pid", 0);
        state.put("ExitCode", job.filter(view -> view.state().isFinal()).flatMap(DockerService::exitStatus).orElse(0));
        state.put("Error", job.filter(view -> view.state() == JobState.FAILED && view.exitCode() == null)
                .map(view -> view.reason() + ": " + view.detail()).orElse(""));
        state.put("StartedAt", job.map(JobView::startedAt).map(Instant::toString).orElse(ZERO_TIME));
        state.put("FinishedAt", job.map(JobView::finishedAt).map(Instant::toString).orElse(ZERO_TIME));

        Map<String, Object> config = new LinkedHashMap<>();
        config.put("Image", request.image());
        config.put("Cmd", request.command());
        config.put("Env", request.env() == null ? List.of() : env(request.env()));
        config.put("WorkingDir", request.workingDir() == null ? "" : request.workingDir());
        config.put("User", request.user() == null ? "" : request.user().toString());
        config.put("Labels", request.labels() == null ? Map.of() : request.labels());
        config.put("Tty", false);
        config.put("OpenStdin", false);
        config.put("AttachStdin", false);
        config.put("AttachStdout", true);
        config.put("AttachStderr", true);

        Map<String, Object> view = new LinkedHashMap<>();
        view.put("Id", container.dockerId());
        view.put("Created", container.createdAt.toString());
        List<String> command = request.command() == null ? List.of() : request.command();
        view.put("Path", command.isEmpty() ? "" : command.getFirst());
        view.put("Args", command.isEmpty() ? List.of() : command.subList(1, command.size()));
        view.put("State", state);
        view.put("Image", job.map(view1 -> view1.image().digest()).orElse(""));
        view.put("Name", "/" + container.name);
        view.put("RestartCount", 0);
        view.put("Driver", "berth");
        view.put("Platform", "linux");
        view.put("HostConfig", Map.of("NetworkMode", network(request), "AutoRemove", container.autoRemove, "Privileged", false,
                "ReadonlyRootfs", true));
        view.put("Config", config);
        view.put("NetworkSettings", Map.of("Networks", Map.of()));
        view.put("Mounts", List.of());
        // Berth's own account of the container: its job, with the security it got and the rules that decided it.
        Map<String, Object> berth = new LinkedHashMap<>();
        berth.put("Job", job.map(JobView::id).map(Object::toString).orElse(null));
        berth.put("State", job.map(JobView::state).map(Enum::name).orElse(null));
        berth.put("Reason", job.map(JobView::reason).map(Enum::name).orElse(null));
        berth.put("EffectiveSecurity", job.map(JobView::effectiveSecurity).orElse(null));
        berth.put("Decisions", job.map(JobView::decisions).orElse(null));
        view.put("Berth", berth);
        return view;
    }

    private static String network(JobRequest request) {
        return request.network() == null ? "none" : request.network();
    }

    private static List<String> env(Map<String, String> env) {
        List<String> entries = new ArrayList<>();
        env.forEach((name, value) -> entries.add(name + "=" + value));
        return entries;
    }

    static Map<String, Object> image(ImageView image) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("Id", image.digest());
        view.put("ParentId", "");
        view.put("RepoTags", List.of(image.name() + ":" + image.tag()));
        view.put("RepoDigests", List.of(image.name() + "@" + image.digest()));
        view.put("Created", image.createdAt() == null ? 0 : image.createdAt().getEpochSecond());
        view.put("Size", image.sizeBytes() == null ? 0 : image.sizeBytes());
        view.put("SharedSize", -1);
        view.put("VirtualSize", image.sizeBytes() == null ? 0 : image.sizeBytes());
        view.put("Labels", Map.of());
        view.put("Containers", -1);
        return view;
    }
}
