; Inno Setup 6 script for servicemap's Windows installer: a per-user install (no admin rights),
; a Start-menu shortcut, the .smap file association and an uninstaller.
; Built by `uv run python packaging/build.py --installer` on Windows, which passes
; /DAppVersion, /DSourceDir (dist\servicemap) and /DOutputDir (dist). See docs/packaging.md.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\servicemap"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif

[Setup]
AppId={{6F2B7E0C-3C1D-4B8E-9E55-5E2A8C1D7A31}
AppName=servicemap
AppVersion={#AppVersion}
AppPublisher=servicemap
AppComments=Maps of how people move between NHS mental health and community services
; Per-user: installs under %LOCALAPPDATA%\Programs and writes only HKEY_CURRENT_USER, so a
; locked-down NHS laptop needs no administrator. A user with rights may still choose all users.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
; {code:InstallFolder}: %LOCALAPPDATA%\Programs\servicemap per user (what {autopf} means there,
; spelled out because some systems lack that known folder), Program Files for all users.
DefaultDirName={code:InstallFolder}
DefaultGroupName=servicemap
DisableProgramGroupPage=yes
OutputDir={#OutputDir}
OutputBaseFilename=servicemap-{#AppVersion}-setup
SetupIconFile=..\..\resources\icon\servicemap.ico
UninstallDisplayIcon={app}\servicemapw.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesAssociations=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible

[Tasks]
Name: "desktopicon"; Description: "Create a &desktop shortcut"; GroupDescription: "Shortcuts:"; Flags: unchecked
Name: "associate"; Description: "Open .smap maps with servicemap"; GroupDescription: "Files:"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\servicemap"; Filename: "{app}\servicemapw.exe"; Comment: "Open servicemap"
Name: "{autodesktop}\servicemap"; Filename: "{app}\servicemapw.exe"; Tasks: desktopicon

[Registry]
; HKA is HKEY_CURRENT_USER for a per-user install (HKEY_LOCAL_MACHINE for all users).
Root: HKA; Subkey: "Software\Classes\.smap\OpenWithProgids"; ValueType: string; ValueName: "servicemap.map"; ValueData: ""; Flags: uninsdeletevalue; Tasks: associate
Root: HKA; Subkey: "Software\Classes\.smap"; ValueType: string; ValueName: ""; ValueData: "servicemap.map"; Flags: uninsdeletevalue; Tasks: associate
Root: HKA; Subkey: "Software\Classes\servicemap.map"; ValueType: string; ValueName: ""; ValueData: "servicemap map"; Flags: uninsdeletekey; Tasks: associate
Root: HKA; Subkey: "Software\Classes\servicemap.map\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\servicemapw.exe,0"; Tasks: associate
Root: HKA; Subkey: "Software\Classes\servicemap.map\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\servicemapw.exe"" ""%1"""; Tasks: associate
Root: HKA; Subkey: "Software\Classes\Applications\servicemapw.exe\SupportedTypes"; ValueType: string; ValueName: ".smap"; ValueData: ""; Flags: uninsdeletekey

[Code]
function InstallFolder(Param: String): String;
begin
  if IsAdminInstallMode then
    Result := ExpandConstant('{commonpf}\servicemap')
  else
    Result := ExpandConstant('{localappdata}\Programs\servicemap');
end;

[Run]
Filename: "{app}\servicemapw.exe"; Description: "Open servicemap now"; Flags: nowait postinstall skipifsilent
