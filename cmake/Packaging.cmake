# Debian packages of the three daemons (issue 6; docs/DEPLOYMENT.md):
#   cmake --build build/release --target shovel envoyd kpi-publish vs_man_pages
#   (cd build/release && cpack -G DEB)
# gives voltha-sidecars-{shovel,envoyd,kpi-publish}_<version>_<arch>.deb. Each holds the binary,
# its systemd unit, an example environment file (a conffile in /etc/voltha-sidecars/), a man page
# made from --help and its doc; envoyd's also holds the Envoy v3 templates. Envoy itself is not
# packaged (Debian has none). With Ninja, cpack builds nothing first (Ninja has no preinstall
# target): build the targets above before it. tests/deploy/package_test.sh does both.
# Dependencies on shared libraries come from dpkg-shlibdeps.
include_guard(GLOBAL)

set(VS_DAEMONS shovel envoyd kpi-publish)
set(VS_DAEMON_DESC_shovel "moves KPI samples from Kafka into Graphite carbon")
set(VS_DAEMON_DESC_envoyd "keeps Envoy in step with the VOLTHA core assignment")
set(VS_DAEMON_DESC_kpi-publish "publishes process, host and device KPIs to Kafka")
set(VS_DAEMON_DOC_shovel SHOVEL.md)
set(VS_DAEMON_DOC_envoyd ENVOYD.md)
set(VS_DAEMON_DOC_kpi-publish KPI_PUBLISH.md)

set(vs_packaged "")
set(vs_man_files "")
foreach(d IN LISTS VS_DAEMONS)
  if(NOT TARGET ${d})
    continue()
  endif()
  list(APPEND vs_packaged ${d})
  install(TARGETS ${d} RUNTIME DESTINATION bin COMPONENT ${d})
  install(FILES ${CMAKE_SOURCE_DIR}/deploy/systemd/${d}.service
          DESTINATION lib/systemd/system COMPONENT ${d})
  install(FILES ${CMAKE_SOURCE_DIR}/deploy/config/${d}.env
          DESTINATION /etc/voltha-sidecars COMPONENT ${d})
  install(FILES ${CMAKE_SOURCE_DIR}/docs/${VS_DAEMON_DOC_${d}}
                ${CMAKE_SOURCE_DIR}/docs/DEPLOYMENT.md
          DESTINATION share/doc/voltha-sidecars-${d} COMPONENT ${d})
  set(man ${CMAKE_BINARY_DIR}/man/${d}.8)
  add_custom_command(OUTPUT ${man}
    COMMAND ${CMAKE_COMMAND} -DBIN=$<TARGET_FILE:${d}> -DNAME=${d} -DSECTION=8
            -DVERSION=${PROJECT_VERSION} "-DDESC=${VS_DAEMON_DESC_${d}}" -DOUT=${man}
            -P ${CMAKE_SOURCE_DIR}/deploy/man/help2man.cmake
    DEPENDS ${d} ${CMAKE_SOURCE_DIR}/deploy/man/help2man.cmake
    COMMENT "man page ${d}.8 from ${d} --help" VERBATIM)
  list(APPEND vs_man_files ${man})
  install(FILES ${man} DESTINATION share/man/man8 COMPONENT ${d})
  # dpkg treats these as conffiles: a local edit survives upgrades.
  set(ctl ${CMAKE_BINARY_DIR}/debian/${d})
  file(MAKE_DIRECTORY ${ctl})
  file(WRITE ${ctl}/conffiles "/etc/voltha-sidecars/${d}.env\n")
  # The unit is installed but neither enabled nor started: the example configuration must be
  # edited first. systemd only has to re-read its units.
  foreach(script postinst postrm)
    file(WRITE ${ctl}/${script}
      "#!/bin/sh\nset -e\n"
      "if [ -d /run/systemd/system ]; then systemctl daemon-reload >/dev/null || true; fi\n")
    file(CHMOD ${ctl}/${script} PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ
         GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
  endforeach()
  string(TOUPPER ${d} D)
  set(CPACK_DEBIAN_${D}_PACKAGE_NAME voltha-sidecars-${d})
  set(CPACK_DEBIAN_${D}_PACKAGE_CONTROL_EXTRA
      "${ctl}/conffiles;${ctl}/postinst;${ctl}/postrm")
  set(CPACK_COMPONENT_${D}_DESCRIPTION "voltha-sidecars ${d}: ${VS_DAEMON_DESC_${d}}")
endforeach()
if(TARGET envoyd)
  install(FILES ${CMAKE_SOURCE_DIR}/deploy/envoy/voltha-grpc-proxy.template.json
                ${CMAKE_SOURCE_DIR}/deploy/envoy/voltha-grpc-proxy-eds.template.json
                ${CMAKE_SOURCE_DIR}/deploy/envoy/assignment.sample.json
          DESTINATION share/voltha-sidecars/envoy COMPONENT envoyd)
endif()
# Not in ALL, so that a plain build does not change; the package test builds it.
add_custom_target(vs_man_pages DEPENDS ${vs_man_files})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME voltha-sidecars)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "voltha-sidecars maintainers <voltha-sidecars@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "VOLTHA sidecars: shovel, envoyd, kpi-publish")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Absolute destinations (/etc/voltha-sidecars) must land in the staging root, not on this host.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL ${vs_packaged})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_ENVOYD_PACKAGE_SUGGESTS "consul | etcd-server")
set(CPACK_DEBIAN_SHOVEL_PACKAGE_SUGGESTS "graphite-carbon")
set(CPACK_STRIP_FILES ON)
include(CPack)
