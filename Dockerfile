# The controller image: the runnable jar on a JRE base, non-root.
# Build the jar first (mvn -B -q -DskipTests package), then:
#   docker build -t ghcr.io/agentgateway-jcp/agentgateway-jcp:0.1.0 .
# docs/image.md describes building and publishing it.
FROM eclipse-temurin:21-jre
COPY controller/target/agentgateway-jcp.jar /app/agentgateway-jcp.jar
# Matches the chart's podSecurityContext; the JVM's temp directory is an emptyDir at /tmp.
USER 65532:65532
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
EXPOSE 15010 15012 15014
ENTRYPOINT ["java", "-jar", "/app/agentgateway-jcp.jar"]
CMD ["run"]
