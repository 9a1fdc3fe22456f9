package dev.berth.policy;

/** The names secrets may have: they become file names under the job's secrets directory and parts of API paths. */
public final class SecretNames {

    public static final String RULE = "secret names are 1 to 63 characters of [a-z0-9._-], starting with a letter or digit";
    private static final int MAX = 63;

    private SecretNames() {
    }

    public static boolean valid(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean alphanumeric = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            if (!(alphanumeric || (i > 0 && (c == '.' || c == '_' || c == '-')))) {
                return false;
            }
        }
        return true;
    }
}
