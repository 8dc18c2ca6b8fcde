package dev.cabtrace.api.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The check behind each library module's {@code PublicApiTest}: the public types of the module,
 * package by package, are exactly the ones its test lists. Nested types count when they and every
 * type around them are public.
 */
public final class PublicApi {

  private PublicApi() {}

  /**
   * Fails naming every type that turned public, or stopped being public, in the module whose
   * compiled classes {@code anchor} came from.
   */
  public static void assertPublicTypes(String module, Class<?> anchor, Map<String, Set<String>> api) throws Exception {
    Map<String, Set<String>> found = publicTypes(anchor);
    List<String> problems = new ArrayList<>();
    found.forEach((pkg, types) -> {
      for (String type : types) {
        if (!api.getOrDefault(pkg, Set.of()).contains(type)) {
          problems.add("new public type " + pkg + "." + type
              + ": make it package-private, move it to an internal package, or add it to PublicApiTest");
        }
      }
    });
    api.forEach((pkg, types) -> {
      for (String type : types) {
        if (!found.getOrDefault(pkg, Set.of()).contains(type)) {
          problems.add("no longer public (or gone): " + pkg + "." + type + "; update PublicApiTest");
        }
      }
    });
    assertThat(problems).as("the public API of " + module).isEmpty();
  }

  /** Public types of the compiled classes {@code anchor} came from (a directory or a jar). */
  private static Map<String, Set<String>> publicTypes(Class<?> anchor) throws IOException, URISyntaxException, ClassNotFoundException {
    Path location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    Map<String, Set<String>> types = new TreeMap<>();
    try (FileSystem jar = Files.isDirectory(location) ? null : FileSystems.newFileSystem(location)) {
      Path root = jar == null ? location : jar.getPath("/");
      List<String> names;
      try (Stream<Path> files = Files.walk(root)) {
        names = files.map(file -> root.relativize(file).toString().replace('\\', '/'))
            .filter(name -> name.endsWith(".class") && !name.endsWith("package-info.class") && !name.endsWith("module-info.class"))
            .map(name -> name.substring(0, name.length() - ".class".length()).replace('/', '.'))
            .toList();
      }
      for (String name : names) {
        Class<?> type = Class.forName(name, false, anchor.getClassLoader());
        if (isPublic(type)) {
          String pkg = type.getPackageName();
          types.computeIfAbsent(pkg, k -> new TreeSet<>()).add(name.substring(pkg.length() + 1).replace('$', '.'));
        }
      }
    }
    return types;
  }

  private static boolean isPublic(Class<?> type) {
    for (Class<?> t = type; t != null; t = t.getEnclosingClass()) {
      if (!Modifier.isPublic(t.getModifiers()) || t.isAnonymousClass() || t.isLocalClass() || t.isSynthetic()) {
        return false;
      }
    }
    return true;
  }
}
