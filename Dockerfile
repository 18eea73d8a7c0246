# FreezeGate: the gateway (`freezegate`) and the demo CRM (`freezegate-demo-crm`) in one image.
#
#   docker build -t freezegate:local .
#   docker compose up            (see docker-compose.yml)
#
# The build steps are the README's: libpq-dev, then `swift build -c release`, here with the Swift
# runtime and Foundation linked into the binaries (`--static-swift-stdlib`), so that the runtime
# image needs only libpq and the C and C++ runtimes (what `ldd` lists for such a build on
# Debian 12: libpq.so.5 and its dependencies, libstdc++, libgcc_s, libm, libc).

ARG SWIFT_IMAGE=swift:6.3-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

# ---- build ------------------------------------------------------------------------------------
FROM ${SWIFT_IMAGE} AS build
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get update \
    && apt-get install -y libpq-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first, so that a source change does not fetch them again.
COPY Package.swift Package.resolved* ./
RUN swift package resolve
COPY Sources ./Sources
COPY Tests ./Tests
COPY sql ./sql
RUN swift build -c release --static-swift-stdlib
# Stripped: the symbols double the size (155 MB → 80 MB for freezegate).
RUN mkdir -p /staging/bin \
    && bin="$(swift build -c release --static-swift-stdlib --show-bin-path)" \
    && strip -o /staging/bin/freezegate "$bin/freezegate" \
    && strip -o /staging/bin/freezegate-demo-crm "$bin/freezegate-demo-crm"

# ---- runtime ----------------------------------------------------------------------------------
FROM ${RUNTIME_IMAGE}
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get update \
    && apt-get install -y --no-install-recommends libpq5 libstdc++6 ca-certificates tzdata curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 freezegate \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin freezegate
COPY --from=build /staging/bin/ /usr/local/bin/
# `freezegate migrate` looks for its migrations here (among other places).
COPY --from=build /src/sql/ /usr/share/freezegate/sql/
# A numeric user, so that Kubernetes' runAsNonRoot can check it (deploy/kubernetes).
USER 10001:10001
EXPOSE 8080 9090 8081
# Configuration through the environment: DATABASE_URL (libpq URI or key=value string).
CMD ["freezegate", "--help"]
