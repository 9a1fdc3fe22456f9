package dev.berth.api;

import static io.restassured.RestAssured.given;

import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/** Waits, through the tenant API, for a job to reach a state; tests share it instead of each polling its own way. */
public final class JobPolling {

    public static final Set<String> FINAL = Set.of("SUCCEEDED", "FAILED", "CANCELLED");

    private JobPolling() {
    }

    public static JsonPath awaitFinal(String token, String id, Duration limit) throws InterruptedException {
        return awaitState(token, id, FINAL, limit);
    }

    public static JsonPath awaitState(String token, String id, Set<String> states, Duration limit) throws InterruptedException {
        Instant deadline = Instant.now().plus(limit);
        // Final states are waited for with long polls; others (RUNNING) are polled.
        String wait = FINAL.containsAll(states) ? "2s" : "0s";
        JsonPath job = view(token, id, wait);
        while (!states.contains(job.getString("state"))) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("job " + id + " is still " + job.getString("state") + " after " + limit + ", expected one of " + states);
            }
            Thread.sleep(50);
            job = view(token, id, wait);
        }
        return job;
    }

    private static JsonPath view(String token, String id, String wait) {
        return given().auth().oauth2(token).queryParam("wait", wait).get("/api/v1/jobs/" + id).then().statusCode(200).extract().jsonPath();
    }
}
