# stash-restore container image.
#
# Build (Docker/BuildKit):   docker build -t stash-restore .
# Build (buildah):           buildah bud --isolation chroot -t stash-restore .
# Offline verification with locally built base images: scripts/image-check.sh
#
# SDK_IMAGE and RUNTIME_BASE_IMAGE exist so the image can be built where the public
# registries are unreachable (scripts/image-check.sh builds both from debootstrap).
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_BASE_IMAGE=debian:trixie-slim
# VERSION sets both the program's version (`stash-restore version`) and the image label;
# empty = the <Version> of Directory.Build.props for the program, no version label value.
ARG VERSION=
# restic: "upstream" (default; the release binary, every backend) or "debian" (Debian 13's
# package, no azure backend). The pin is restic 0.18.0's published SHA256SUMS entry for
# restic_0.18.0_linux_amd64.bz2; change both together (README, Container image).
ARG RESTIC_SOURCE=upstream
ARG RESTIC_VERSION=0.18.0
ARG RESTIC_SHA256=98f6dd8bf5b59058d04bfd8dab58e196cc2a680666ccee90275a3b722374438e

# ---------------------------------------------------------------------------------------
FROM ${SDK_IMAGE} AS build
WORKDIR /src
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1 \
    DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Native AOT links with the platform toolchain: clang (the linker driver .NET uses) and the
# zlib headers/library the runtime links against. Build stage only.
RUN set -eux; \
    apt-get update; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends clang zlib1g-dev; \
    rm -rf /var/lib/apt/lists/*

ARG VERSION
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/ src/
# Native AOT (PublishAot in the CLI project): one native executable, no .NET runtime in the
# image, no JIT at start-up (docs/image.md has the measurements behind the choice). Beside it
# only libMonoPosixHelper.so (Mono.Posix's native half). The NuGet cache mount keeps rebuilds
# from downloading packages again; restore is part of publish so a new project under src/
# needs no change here.
RUN --mount=type=cache,id=stash-restore-nuget,target=/root/.nuget/packages \
    dotnet publish src/Stash.Restore.Cli -c Release -r linux-x64 ${VERSION:+-p:Version=$VERSION} \
        -o /out/stash-restore \
 && rm -f /out/stash-restore/*.pdb /out/stash-restore/*.dbg \
 && test ! -e /out/stash-restore/stash-restore.dll

# ---------------------------------------------------------------------------------------
# restic. RESTIC_SOURCE=upstream (default): restic's own release binary, which has every
# backend (local, s3, gcs, azure, swift, b2, rest). RESTIC_SOURCE=debian: Debian 13's package,
# built WITHOUT the azure backend (Debian disables it since 0.16) — for builds with no route
# to github.com, such as scripts/image-check.sh. The executor refuses an azure Repository with
# that restic (exit 3, naming the missing backend).
FROM ${RUNTIME_BASE_IMAGE} AS restic-download
ARG RESTIC_VERSION
ARG RESTIC_SHA256
# The release asset, checked against RESTIC_SHA256 before it is unpacked.
RUN set -eux; \
    if [ -z "${RESTIC_VERSION}" ] || [ -z "${RESTIC_SHA256}" ]; then \
        echo "RESTIC_VERSION and RESTIC_SHA256 are required with RESTIC_SOURCE=upstream: take the restic_<version>_linux_amd64.bz2 line of https://github.com/restic/restic/releases/download/v<version>/SHA256SUMS (see README, Container image)" >&2; \
        exit 1; \
    fi; \
    apt-get update; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl ca-certificates bzip2; \
    curl -fsSL --proto '=https' -o /tmp/restic.bz2 \
        "https://github.com/restic/restic/releases/download/v${RESTIC_VERSION}/restic_${RESTIC_VERSION}_linux_amd64.bz2"; \
    echo "${RESTIC_SHA256}  /tmp/restic.bz2" | sha256sum -c -; \
    bunzip2 -c /tmp/restic.bz2 > /tmp/restic; \
    install -D -m 0755 /tmp/restic /out/restic; \
    /out/restic version | grep -q "^restic ${RESTIC_VERSION} "

# What every runtime needs: CA roots for S3/GCS/Azure/API server TLS (pulls in libssl, which
# .NET loads for TLS), util-linux for ionice (nice is in coreutils). Nothing else.
FROM ${RUNTIME_BASE_IMAGE} AS runtime-common
RUN set -eux; \
    apt-get update; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates util-linux; \
    apt-get clean; \
    rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/cache/debconf/*-old \
           /var/log/apt /var/log/dpkg.log /var/log/alternatives.log; \
    command -v ionice; command -v nice

FROM runtime-common AS runtime-upstream
COPY --from=restic-download /out/restic /usr/local/bin/restic
# The release binary must have the backend Debian's lacks.
RUN restic options | grep -q '^ *azure\.'

# restic 0.18 (Debian 13 ships 0.18.x); no azure backend.
FROM runtime-common AS runtime-debian
RUN set -eux; \
    apt-get update; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends 'restic=0.18.*'; \
    apt-get clean; \
    rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/cache/debconf/*-old \
           /var/log/apt /var/log/dpkg.log /var/log/alternatives.log; \
    restic version | grep -q '^restic 0\.18\.'

# ---------------------------------------------------------------------------------------
# Only the chosen runtime-* stage (and what it copies from) is built: with RESTIC_SOURCE=debian
# nothing is downloaded (BuildKit and buildah skip unused stages).
FROM runtime-${RESTIC_SOURCE}

# Non-root by default (uid/gid 2000); the pod may still run it as root (restoring
# ownership needs root). Written directly: useradd is not in every slim base.
# /stash-tmp is the scratch dir: world-writable with the sticky bit so any uid works when
# nothing is mounted there; with a read-only root filesystem mount an emptyDir on it.
RUN set -eux; \
    echo 'stash:x:2000:2000:stash-restore:/stash-tmp:/usr/sbin/nologin' >> /etc/passwd; \
    echo 'stash:x:2000:' >> /etc/group; \
    mkdir -p /stash-tmp; \
    chmod 1777 /stash-tmp

COPY --from=build /out/stash-restore/ /opt/stash-restore/
RUN ln -s /opt/stash-restore/stash-restore /usr/local/bin/stash-restore

# Everything that wants to write at run time points under the scratch dir, so the root
# filesystem can be read-only. The runtime's diagnostics IPC socket lands in TMPDIR too.
ENV HOME=/stash-tmp \
    TMPDIR=/stash-tmp \
    XDG_CACHE_HOME=/stash-tmp/.cache

# Last, so a new revision does not invalidate the apt layer above.
ARG VERSION
ARG REVISION=unknown
ARG SOURCE=https://github.com/stashed/stash-restore
LABEL org.opencontainers.image.title="stash-restore" \
      org.opencontainers.image.description="Restore executor for Stash RestoreSessions (init-container and restore Job)" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="Apache-2.0"

USER 2000:2000
WORKDIR /stash-tmp
ENTRYPOINT ["stash-restore"]
CMD ["--help"]
