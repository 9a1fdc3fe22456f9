package dev.berth.api.console.session;

/** A signed-in viewer whose roles do not reach a page; answered with a 403 page that says where to go instead. */
public class ConsoleDenied extends RuntimeException {

    private final transient Viewer viewer;

    public ConsoleDenied(Viewer viewer, String reason) {
        super(reason);
        this.viewer = viewer;
    }

    public Viewer viewer() {
        return viewer;
    }
}
