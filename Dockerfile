# syntax=docker/dockerfile:1
# Build:  docker build -t chinaums-mock .
# Run:    docker run --rm -p 8080:8080 chinaums-mock
# State kept across runs: add -v chinaums-state:/data (a new database starts from the fixtures)
ARG RUST_VERSION=1.95

FROM rust:${RUST_VERSION}-slim-bookworm AS build
WORKDIR /src
# The state directory, made here because the runtime image has no shell to make it with.
RUN mkdir /data
# Dependencies first, in their own layer: it is rebuilt only when Cargo.toml or Cargo.lock change.
COPY Cargo.toml Cargo.lock ./
RUN mkdir -p src tests/api examples \
 && echo 'fn main() {}' > src/main.rs \
 && touch src/lib.rs tests/api/main.rs \
 && for e in $(sed -n 's/^path = "examples\/\(.*\)"/\1/p' Cargo.toml); do echo 'fn main() {}' > "examples/$e"; done \
 && cargo build --release --locked --bin chinaums-mock \
 && rm -rf src tests examples target/release/.fingerprint/chinaums-mock-*
# Then the sources.
COPY . .
RUN cargo build --release --locked --bin chinaums-mock \
 && strip target/release/chinaums-mock

# glibc and libgcc only: TLS is rustls, so no OpenSSL is needed (a test checks the binary's
# dynamic libraries against this list).
FROM gcr.io/distroless/cc-debian12:nonroot
ARG VERSION=0.2.0
LABEL org.opencontainers.image.title="chinaums-mock" \
      org.opencontainers.image.description="A scriptable sandbox that impersonates the ChinaUMS (银联商务) Open Platform for merchant back-end tests" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="MIT OR Apache-2.0"
COPY --from=build /src/target/release/chinaums-mock /usr/local/bin/chinaums-mock
# Owned by nonroot (65532), so that a new named volume mounted there, which takes the
# directory's owner, is writable by the server.
COPY --from=build --chown=65532:65532 /data /data
# No state file by default: a CI job starts from the fixtures every time.
# `-e CHINAUMS_MOCK_STATE_FILE=/data/state.sqlite -v NAME:/data` keeps the state.
ENV CHINAUMS_MOCK_HOST=0.0.0.0 \
    CHINAUMS_MOCK_PORT=8080 \
    CHINAUMS_MOCK_LOG_FORMAT=json
VOLUME /data
EXPOSE 8080
USER nonroot
# Probed every 2 s so that `service_healthy` waits about that long after start.
# (--start-interval would allow a slower steady pace, but buildah 1.28, Debian bookworm's,
# refuses the flag.)
HEALTHCHECK --interval=2s --timeout=3s --start-period=10s --retries=3 \
  CMD ["/usr/local/bin/chinaums-mock", "health"]
ENTRYPOINT ["/usr/local/bin/chinaums-mock"]
CMD ["serve"]
