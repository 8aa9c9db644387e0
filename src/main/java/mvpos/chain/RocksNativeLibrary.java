package mvpos.chain;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import org.rocksdb.NativeLibraryLoader;
import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;

/**
 * Loads RocksDB's native library from one cached copy per user and library build, instead of the
 * copy RocksDB's own loader extracts to the temporary directory on every start (and leaves behind
 * whenever the process is killed: 14 MB each).
 *
 * <p>The library in RocksDB's jar is copied once to {@link #cacheDirectory()} under a name made of its
 * size and CRC-32 (written to a temporary file and renamed, so concurrent starts never see a partial
 * copy), then loaded from there; RocksDB's loader is told the library is loaded, so it extracts
 * nothing. Where no cache can be written, RocksDB's own loader is used.
 *
 * <p>Every RocksDB user calls {@link #load} before it creates its first RocksDB object.
 */
public final class RocksNativeLibrary {
    /** Overrides the cache directory (a system property; the environment variable {@code MVPOS_NATIVE_DIR} too). */
    public static final String DIRECTORY_PROPERTY = "mvpos.native.dir";
    private static final String LIBRARY = "rocksdb";
    private static Path loadedFrom;
    private static boolean loaded;

    private RocksNativeLibrary() {
    }

    /**
     * Makes RocksDB usable in this process; only the first call does anything.
     *
     * @return the cached copy loaded, or null when RocksDB's own loader had to be used
     * @throws IOException with a one-line reason when the library can be loaded neither way
     */
    public static synchronized Path load() throws IOException {
        if (loaded) {
            return loadedFrom;
        }
        Field loaderFlag = loaderFlag();
        Path cached = null;
        if (loaderFlag != null && !alreadyLoaded(loaderFlag)) {
            try {
                cached = cachedCopy();
            } catch (IOException | RuntimeException e) {
                // no cache here (read-only home, unknown platform): RocksDB's loader does it its way
            }
        }
        try {
            if (cached != null) {
                System.load(cached.toString());
                loaderFlag.setBoolean(null, true);
            }
            RocksDB.loadLibrary();
        } catch (UnsatisfiedLinkError | ReflectiveOperationException | RuntimeException e) {
            throw new IOException("cannot load RocksDB's native library" + (cached == null ? "" : " from " + cached)
                    + ": " + e.getMessage());
        }
        loaded = true;
        loadedFrom = cached;
        return cached;
    }

    /**
     * Where copies are kept: {@code mvpos.native.dir} or {@code MVPOS_NATIVE_DIR} if set, else
     * {@code $XDG_CACHE_HOME/mvpos/native}, else {@code ~/.cache/mvpos/native}.
     */
    public static Path cacheDirectory() {
        String configured = System.getProperty(DIRECTORY_PROPERTY, System.getenv("MVPOS_NATIVE_DIR"));
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path cache = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return cache.resolve("mvpos").resolve("native");
    }

    /** The library's copy in the cache, written there first if it is missing; null when the jar has none. */
    private static Path cachedCopy() throws IOException {
        String name = Environment.getJniLibraryFileName(LIBRARY);
        URL resource = RocksDB.class.getClassLoader().getResource(name);
        if (resource == null && Environment.getFallbackJniLibraryFileName(LIBRARY) != null) {
            name = Environment.getFallbackJniLibraryFileName(LIBRARY);
            resource = RocksDB.class.getClassLoader().getResource(name);
        }
        if (resource == null) {
            return null;
        }
        URLConnection connection = resource.openConnection();
        long size;
        long crc;
        if (connection instanceof JarURLConnection jar) {
            size = jar.getJarEntry().getSize();
            crc = jar.getJarEntry().getCrc();
        } else {
            size = connection.getContentLengthLong();
            crc = connection.getLastModified();
        }
        if (size <= 0) {
            return null;
        }
        int dot = name.lastIndexOf('.');
        Path directory = cacheDirectory();
        Path target = directory.resolve(name.substring(0, dot) + "-" + Long.toHexString(crc).toLowerCase(Locale.ROOT)
                + "-" + size + name.substring(dot));
        if (Files.isRegularFile(target) && Files.size(target) == size) {
            return target;
        }
        Files.createDirectories(directory);
        Path part = Files.createTempFile(directory, target.getFileName() + ".", ".part");
        try (InputStream in = connection.getInputStream()) {
            Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
            if (Files.size(part) != size) {
                throw new IOException("copied " + Files.size(part) + " of " + size + " bytes");
            }
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(part);
        }
        return target;
    }

    /** True when RocksDB's loader has already loaded its library (someone used RocksDB before this class). */
    private static boolean alreadyLoaded(Field loaderFlag) {
        try {
            return loaderFlag.getBoolean(null);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    /**
     * The flag RocksDB's loader sets once it has extracted and loaded its library itself; set here after
     * loading the cached copy, so that it extracts nothing. Null when this RocksDB has no such flag.
     */
    private static Field loaderFlag() {
        try {
            Field initialized = NativeLibraryLoader.class.getDeclaredField("initialized");
            if (initialized.getType() != boolean.class || !java.lang.reflect.Modifier.isStatic(initialized.getModifiers())) {
                return null;
            }
            initialized.setAccessible(true);
            return initialized;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
