# syntax=docker/dockerfile:1
# Build:  docker build -t chinaums-mock .
# Run:    docker run --rm -p 8080:8080 chinaums-mock
ARG RUST_VERSION=1.95

FROM rust:${RUST_VERSION}-slim-bookworm AS build
WORKDIR /src
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
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="chinaums-mock" \
      org.opencontainers.image.description="A scriptable sandbox that impersonates the ChinaUMS (银联商务) Open Platform for merchant back-end tests" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="MIT OR Apache-2.0"
COPY --from=build /src/target/release/chinaums-mock /usr/local/bin/chinaums-mock
ENV CHINAUMS_MOCK_HOST=0.0.0.0 \
    CHINAUMS_MOCK_PORT=8080 \
    CHINAUMS_MOCK_LOG_FORMAT=json
EXPOSE 8080
USER nonroot
HEALTHCHECK --interval=5s --timeout=3s --start-period=2s --retries=3 \
  CMD ["/usr/local/bin/chinaums-mock", "health"]
ENTRYPOINT ["/usr/local/bin/chinaums-mock"]
CMD ["serve"]
