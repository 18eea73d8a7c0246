# FreezeGate: the gateway (`freezegate`) and the demo CRM (`freezegate-demo-crm`) in one image.
#
#   docker build -t freezegate:local .
#   docker compose up            (see docker-compose.yml)
#
# The build steps are the README's: libpq-dev, then `swift build -c release`.

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
RUN swift build -c release
RUN mkdir -p /staging/bin /staging/swift \
    && cp "$(swift build -c release --show-bin-path)/freezegate" \
          "$(swift build -c release --show-bin-path)/freezegate-demo-crm" /staging/bin/ \
    && cp -P /usr/lib/swift/linux/*.so* /staging/swift/

# ---- runtime ----------------------------------------------------------------------------------
FROM ${RUNTIME_IMAGE}
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get update \
    && apt-get install -y --no-install-recommends libpq5 libstdc++6 zlib1g ca-certificates tzdata curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --no-create-home --shell /usr/sbin/nologin freezegate
# The Swift runtime where the binaries' run path expects it.
COPY --from=build /staging/swift/ /usr/lib/swift/linux/
COPY --from=build /staging/bin/ /usr/local/bin/
# `freezegate migrate` looks for its migrations here (among other places).
COPY --from=build /src/sql/ /usr/share/freezegate/sql/
ENV LD_LIBRARY_PATH=/usr/lib/swift/linux
USER freezegate
EXPOSE 8080 9090 8081
# Configuration through the environment: DATABASE_URL (libpq URI or key=value string).
CMD ["freezegate", "--help"]
