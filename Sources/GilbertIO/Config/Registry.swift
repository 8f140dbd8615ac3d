/// Every section of the configuration, in the order they are read (a section
/// may use the ones before it) and the order their field terms are summed.
/// A new section is one line here.
public enum ConfigRegistry {
  public static var sections: [any ConfigSection.Type] {
    [
      MeshSection.self, RegionSection.self, MaterialSection.self, AnisotropySection.self, AnisotropyK2Section.self,
      CubicAnisotropySection.self,
      DemagSection.self,
      ZeemanSection.self, DMISection.self, RKKYSection.self, LongitudinalSection.self, CurrentSection.self, SpinOrbitSection.self,
      SlonczewskiSection.self, InitialSection.self,
      RunSettings.self, WallSettings.self, SolverSettings.self, TemperatureSection.self, RelaxSettings.self,
      OutputSettings.self,
    ]
  }
}
