; The Windows installer of the desk (built by scripts/package-windows.sh with Debian's NSIS):
; per-machine into Program Files, a Start-menu shortcut with the icon, an entry in Programs and
; Features with the version; the uninstaller removes the program and keeps the office's data
; (%LocalAppData%\bhxh-desk, which the installer never touches). Vietnamese first, English.
; Needs 64-bit Windows 10 or 11 (Go 1.26 programs do). Silent: setup.exe /S, uninstall.exe /S.
; Defines given by the script: VERSION (0.1.93), BUILD (the folder of the files), OUT.
Unicode true
Target amd64-unicode
SetCompressor /SOLID lzma
!include "MUI2.nsh"
!include "x64.nsh"
!include "WinVer.nsh"
!include "LogicLib.nsh"

!define APPNAME "BHXH tự nguyện - Bàn tiếp nhận"
!define PUBLISHER "Bảo hiểm xã hội Việt Nam"
!define MENUDIR "BHXH tự nguyện"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\vn.bhxh.desk"

Name "${APPNAME}"
OutFile "${OUT}"
InstallDir "$PROGRAMFILES64\BHXH Ban tiep nhan"
RequestExecutionLevel admin
BrandingText "${APPNAME} ${VERSION}"
VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=0 "ProductName" "${APPNAME}"
VIAddVersionKey /LANG=0 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=0 "FileDescription" "${APPNAME}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "LegalCopyright" "© ${PUBLISHER}"

!define MUI_ICON "${BUILD}\bhxh-desk.ico"
!define MUI_UNICON "${BUILD}\bhxh-desk.ico"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "Vietnamese"
!insertmacro MUI_LANGUAGE "English"

Function .onInit
  ${IfNot} ${RunningX64}
  ${OrIfNot} ${AtLeastWin10}
    MessageBox MB_ICONSTOP "Cần Windows 10 hoặc 11 bản 64-bit. / Needs 64-bit Windows 10 or 11."
    Abort
  ${EndIf}
  SetRegView 64
FunctionEnd

Function un.onInit
  SetRegView 64
FunctionEnd

Section "Install"
  SetShellVarContext all
  SetOutPath "$INSTDIR"
  File "${BUILD}\bhxh-desk.exe"
  File "${BUILD}\bhxh.exe"
  File "${BUILD}\OFL.txt"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateDirectory "$SMPROGRAMS\${MENUDIR}"
  CreateShortcut "$SMPROGRAMS\${MENUDIR}\${APPNAME}.lnk" "$INSTDIR\bhxh-desk.exe" "" "$INSTDIR\bhxh-desk.exe" 0
  WriteRegStr HKLM "${UNINSTKEY}" "DisplayName" "${APPNAME}"
  WriteRegStr HKLM "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTKEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKLM "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\bhxh-desk.exe"
  WriteRegStr HKLM "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTKEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  SetShellVarContext all
  Delete "$INSTDIR\bhxh-desk.exe"
  Delete "$INSTDIR\bhxh.exe"
  Delete "$INSTDIR\OFL.txt"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${MENUDIR}\${APPNAME}.lnk"
  RMDir "$SMPROGRAMS\${MENUDIR}"
  DeleteRegKey HKLM "${UNINSTKEY}"
SectionEnd
