# The bank's gateway app (REST API, read model on /data). Each bank builds this image itself from the commit it reviewed,
# from the repository root:
#   docker build -f network/helm/images/gateway-app.Dockerfile -t <registry>/tranchenet/gateway-app:<version> .
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# Static and reproducible: no cgo, no build paths, no VCS stamp.
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags=-s -o /out/gateway-app ./gateway-app/cmd/gateway-app

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/gateway-app /usr/local/bin/gateway-app
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/gateway-app"]
