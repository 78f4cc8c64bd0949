package dev.agentgatewayjcp.controller.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;

/**
 * DirectoryCaStore keeps the xDS CA of file mode in a directory as {@code ca.crt} and {@code
 * ca.key}, so a local proxy can point {@code XDS_ROOT_CA} at {@code ca.crt} across restarts.
 */
public final class DirectoryCaStore implements CaStore {

  private final Path directory;
  private final Clock clock;

  public DirectoryCaStore(Path directory, Clock clock) {
    this.directory = directory;
    this.clock = clock;
  }

  /** The trust bundle file a proxy reads as {@code XDS_ROOT_CA}. */
  public Path certificateFile() {
    return directory.resolve(KubernetesCaStore.CERT_KEY);
  }

  @Override
  public CertificateAuthority loadOrCreate() {
    Path cert = certificateFile();
    Path key = directory.resolve(KubernetesCaStore.KEY_KEY);
    try {
      if (Files.exists(cert) && Files.exists(key)) {
        return CertificateAuthority.fromPem(Files.readString(cert), Files.readString(key));
      }
      Files.createDirectories(directory);
      CertificateAuthority generated = CertificateAuthority.generate("agentgateway-jcp xDS CA", clock);
      try {
        // The key first, created exclusively and owner-only: two processes cannot both win.
        Files.writeString(key, generated.privateKeyPem(), StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW);
        try {
          Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
          // Not a POSIX file system.
        }
      } catch (FileAlreadyExistsException e) {
        return CertificateAuthority.fromPem(Files.readString(cert), Files.readString(key));
      }
      Files.writeString(cert, generated.certificatePem(), StandardCharsets.US_ASCII);
      return generated;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load or create the xDS CA in " + directory, e);
    }
  }
}
