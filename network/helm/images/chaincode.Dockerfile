# The chaincode service (chaincode as a service; the peers dial it). Each bank builds this image itself from the commit it reviewed,
# from the repository root:
#   docker build -f network/helm/images/chaincode.Dockerfile -t <registry>/tranchenet/tranchenet-cc:<version> .
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# Static and reproducible: no cgo, no build paths, no VCS stamp.
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags=-s -o /out/tranchenet-cc ./chaincode/cmd/tranchenet-cc

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/tranchenet-cc /usr/local/bin/tranchenet-cc
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/tranchenet-cc"]
